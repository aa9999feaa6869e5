import Papa from "papaparse";
import { describe, expect, it } from "vitest";
import { CSV_BOM, csvField, csvFileName, toCsv } from "./write";

describe("csvField", () => {
  it.each([
    [null, ""],
    [undefined, ""],
    [0, "0"],
    [12.345678901234, "12.345678901234"],
    [-3.5, "-3.5"],
    [Number.NaN, ""],
    [Number.POSITIVE_INFINITY, ""],
    [true, "true"],
    ["plain", "plain"],
    ["a,b", '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ["two\nlines", '"two\nlines"'],
    [" padded", '" padded"'],
    ["=SUM(A1:A2)", "'=SUM(A1:A2)"],
    ["+7 495", "'+7 495"],
    ["-minus", "'-minus"],
    ["@cmd", "'@cmd"],
    ["Ромашка", "Ромашка"],
  ] as const)("%j → %s", (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });
});

describe("toCsv", () => {
  it("starts with a BOM, ends lines with CRLF and round-trips through a CSV parser", () => {
    const rows = [
      ["ООО «Ромашка», Москва", 12.5, null],
      ['He said "no"\nthen left', -0.25, 3],
    ];
    const text = toCsv(["name", "value", "count"], rows);
    expect(text.startsWith(CSV_BOM)).toBe(true);
    expect(text.endsWith("\r\n")).toBe(true);
    const parsed = Papa.parse<string[]>(text.slice(1).trimEnd(), { newline: "\r\n" }).data;
    expect(parsed).toEqual([
      ["name", "value", "count"],
      ["ООО «Ромашка», Москва", "12.5", ""],
      ['He said "no"\nthen left', "-0.25", "3"],
    ]);
  });

  it("can leave the BOM out", () => {
    expect(toCsv(["a"], [[1]], { bom: false })).toBe("a\r\n1\r\n");
  });
});

describe("csvFileName", () => {
  it("keeps only safe characters", () => {
    expect(csvFileName("metrics", "Acme Ltd / \"x\"", "2024-01")).toBe("metrics_Acme-Ltd-x_2024-01.csv");
    expect(csvFileName("Ромашка")).toBe("export.csv");
  });
});
