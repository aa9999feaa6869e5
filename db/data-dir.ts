import path from "node:path";

/** Where the embedded default keeps its files (database, generated secrets). */
export const DATA_DIR = path.resolve(/*turbopackIgnore: true*/ process.env.IMPACT24_DATA_DIR ?? ".data");
