import { describe, expect, it } from "vitest";
import { parsePhpQuery as emulatorParse } from "./emulator/rest/php-query";
import { toBatchCommand, toPhpQuery } from "./php-query";
import { parsePhpQuery } from "./testing/fake-list-portal";

describe("toPhpQuery", () => {
  it("encodes nested objects and arrays PHP-style", () => {
    expect(toPhpQuery({ filter: { ">ID": 5 }, order: { ID: "ASC" }, select: ["ID", "TITLE"] })).toBe(
      "filter[>ID]=5&order[ID]=ASC&select[0]=ID&select[1]=TITLE",
    );
  });

  it("leaves $result references readable", () => {
    expect(toPhpQuery({ filter: { ">ID": "$result[p0][49][ID]" } })).toBe("filter[>ID]=$result[p0][49][ID]");
    expect(toPhpQuery({ ID: "$result[get_user][UF_DEPARTMENT][0]" })).toBe("ID=$result[get_user][UF_DEPARTMENT][0]");
  });

  it("escapes what would break parsing", () => {
    const q = toPhpQuery({ filter: { "=%TITLE": "a&b=c d+e%", "!=NAME": "" }, x: "[1]" });
    expect(q).toBe("filter[%3D%25TITLE]=a%26b%3Dc%20d%2Be%25&filter[!%3DNAME]=&x=[1]");
  });

  it("drops null, undefined and empty arrays; booleans are 1/0; dates are ISO", () => {
    expect(toPhpQuery({ a: null, b: undefined, c: [], d: true, e: false, f: new Date(Date.UTC(2024, 0, 2)) })).toBe(
      "d=1&e=0&f=2024-01-02T00:00:00.000Z",
    );
  });

  it("round-trips through PHP-style parsers (ours and the emulator's)", () => {
    const params = {
      entityTypeId: 2,
      filter: { ">ID": "$result[p3][items][49][ID]", "@STAGE_ID": ["NEW", "WON"], ">=DATE_MODIFY": "2026-01-10T11:50:00+00:00" },
      order: { ID: "ASC" },
      select: ["ID", "UF_CRM_1"],
      start: -1,
      title: "Ünïcode & more",
    };
    const expected = {
      entityTypeId: "2",
      filter: { ">ID": "$result[p3][items][49][ID]", "@STAGE_ID": { 0: "NEW", 1: "WON" }, ">=DATE_MODIFY": "2026-01-10T11:50:00+00:00" },
      order: { ID: "ASC" },
      select: { 0: "ID", 1: "UF_CRM_1" },
      start: "-1",
      title: "Ünïcode & more",
    };
    const q = toPhpQuery(params);
    expect(parsePhpQuery(q)).toEqual(expected);
    expect(emulatorParse(q)).toEqual({ ...expected, filter: { ...expected.filter, "@STAGE_ID": ["NEW", "WON"] }, select: ["ID", "UF_CRM_1"] });
  });

  it("builds batch command strings", () => {
    expect(toBatchCommand("user.current")).toBe("user.current");
    expect(toBatchCommand("crm.deal.get", { ID: 7 })).toBe("crm.deal.get?ID=7");
  });
});
