import { describe, expect, it } from "vitest";

import { dayToIso, localDateTimeToIso, readEnum, readEnumList, readInt, readString, writeParam } from "./search-params";

describe("search params", () => {
  const params = new URLSearchParams("status=sold&status=bogus&status=new&sort=nope&limit=7&zip=85x&q=%20ada%20");

  it("keeps only known values, in their canonical order", () => {
    expect(readEnumList(params, "status", ["new", "sold", "returned"] as const)).toEqual(["new", "sold"]);
    expect(readEnum(params, "sort", ["-created_at", "score"] as const, "-created_at")).toBe("-created_at");
    expect(readInt(params, "limit", [25, 50], 50)).toBe(50);
    expect(readString(params, "zip", /^\d{1,5}$/)).toBe("");
    expect(readString(params, "q")).toBe("ada");
  });

  it("writes lists and drops empty values", () => {
    const next = new URLSearchParams("a=1&b=2");
    writeParam(next, "a", ["x", " ", "y"]);
    writeParam(next, "b", "");
    writeParam(next, "c", null);
    expect(next.toString()).toBe("a=x&a=y");
  });

  it("turns a picked day into the start of that local day, or of the next one for an end", () => {
    expect(dayToIso("2026-03-07")).toBe(new Date(2026, 2, 7).toISOString());
    expect(dayToIso("2026-12-31", { endOfDay: true })).toBe(new Date(2027, 0, 1).toISOString());
    expect(dayToIso("07/03/2026")).toBeUndefined();
    expect(localDateTimeToIso("2026-03-07T08:30")).toBe(new Date(2026, 2, 7, 8, 30).toISOString());
    expect(localDateTimeToIso("yesterday")).toBeUndefined();
  });
});
