import { describe, expect, it } from "vitest";

import { loginPath, safeReturnPath } from "./login-path";

describe("login return path", () => {
  it.each([
    [{ pathname: "/leads", search: "?status=new&tier=A" }, "/login?next=%2Fleads%3Fstatus%3Dnew%26tier%3DA"],
    [{ pathname: "/" }, "/login"],
    [{ pathname: "/login", search: "?next=%2Fleads" }, "/login"],
  ])("%j -> %s", (location, expected) => {
    expect(loginPath(location)).toBe(expected);
  });

  it.each([
    ["/leads?status=new", "/leads?status=new"],
    [null, "/"],
    ["", "/"],
    ["https://evil.example/", "/"],
    ["//evil.example/", "/"],
    ["/\\evil.example", "/"],
    ["javascript:alert(1)", "/"],
    ["/login?next=/x", "/"],
  ])("follows %j to %j", (next, expected) => {
    expect(safeReturnPath(next)).toBe(expected);
  });
});
