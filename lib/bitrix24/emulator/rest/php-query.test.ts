import { describe, expect, it } from "vitest";
import { buildPhpQuery, parsePhpQuery } from "./php-query";

describe("parsePhpQuery", () => {
  it("nests brackets, appends [] and turns 0..n-1 keys into lists", () => {
    expect(parsePhpQuery("filter%5B%3EID%5D=5&order[ID]=ASC&select[]=ID&select[]=TITLE&start=-1&x")).toEqual({
      filter: { ">ID": "5" },
      order: { ID: "ASC" },
      select: ["ID", "TITLE"],
      start: "-1",
      x: "",
    });
    expect(parsePhpQuery("a[0]=x&a[1]=y&b[1]=z&c[k][]=1&c[k][]=2")).toEqual({ a: ["x", "y"], b: { "1": "z" }, c: { k: ["1", "2"] } });
  });

  it("decodes + and percent escapes, and keeps a value with brackets intact", () => {
    expect(parsePhpQuery("q=a+b%26c&r=$result[c0][49][ID]")).toEqual({ q: "a b&c", r: "$result[c0][49][ID]" });
  });

  it("round-trips through buildPhpQuery", () => {
    const value = { event: "ONCRMDEALADD", data: { FIELDS: { ID: "7" } }, auth: { expires_in: 3600, ok: true }, list: ["a", "b"] };
    const query = buildPhpQuery(value);
    expect(query).toBe("event=ONCRMDEALADD&data%5BFIELDS%5D%5BID%5D=7&auth%5Bexpires_in%5D=3600&auth%5Bok%5D=1&list%5B0%5D=a&list%5B1%5D=b");
    expect(parsePhpQuery(query)).toEqual({ event: "ONCRMDEALADD", data: { FIELDS: { ID: "7" } }, auth: { expires_in: "3600", ok: "1" }, list: ["a", "b"] });
  });
});
