import { describe, expect, it } from "vitest";

import { filenameFromContentDisposition, parseStates, readLeadListView, toApiQuery } from "./leads";

describe("filenameFromContentDisposition", () => {
  it.each([
    ['attachment; filename="leads-20261125.csv"', "leads-20261125.csv"],
    ["attachment; filename=leads.csv", "leads.csv"],
    ["attachment; filename*=UTF-8''leads%20n%C2%B01.csv; filename=\"fallback.csv\"", "leads n°1.csv"],
    ['attachment; filename="../../etc/passwd"', "passwd"],
    ["attachment", undefined],
    [null, undefined],
  ])("%j -> %j", (header, expected) => {
    expect(filenameFromContentDisposition(header)).toBe(expected);
  });
});

describe("lead filters", () => {
  it("reads states however they were typed", () => {
    expect(parseStates("az, ca;tx  NM, xyz, A1, az")).toEqual(["AZ", "CA", "TX", "NM"]);
  });

  it("sends only the filters that are set", () => {
    const view = readLeadListView(new URLSearchParams("tier=B&zip=852"));
    expect(toApiQuery(view.filters, view.sort)).toEqual({ sort: "-created_at", tier: ["B"], zip_code: "852" });
  });
});
