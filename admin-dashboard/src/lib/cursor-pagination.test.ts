import { describe, expect, it } from "vitest";

import { firstPageParams, nextPageParams, previousPageParams, readCursorPage } from "./cursor-pagination";

const params = (search: string) => new URLSearchParams(search);

describe("cursor pagination in the URL", () => {
  it.each([
    ["", { cursor: undefined, previous: [], pageNumber: 1 }],
    ["cursor=c1", { cursor: "c1", previous: [], pageNumber: 2 }],
    ["prev=c1&prev=c2&cursor=c3", { cursor: "c3", previous: ["c1", "c2"], pageNumber: 4 }],
    // A stack without a cursor is the first page.
    ["prev=c1", { cursor: undefined, previous: [], pageNumber: 1 }],
  ])("reads %j", (search, expected) => {
    expect(readCursorPage(params(search))).toEqual(expected);
  });

  it("walks forward and back, keeping the other parameters", () => {
    const page1 = params("status=new&sort=-score");
    const page2 = nextPageParams(page1, "c1");
    const page3 = nextPageParams(page2, "c2");
    expect(page2.toString()).toBe("status=new&sort=-score&cursor=c1");
    expect(page3.toString()).toBe("status=new&sort=-score&prev=c1&cursor=c2");
    expect(previousPageParams(page3).toString()).toBe(page2.toString());
    expect(previousPageParams(page2).toString()).toBe(page1.toString());
    expect(firstPageParams(page3).toString()).toBe(page1.toString());
  });
});
