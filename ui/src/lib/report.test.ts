import { describe, expect, it } from "vitest";
import { REPORT_FORMATS, reportFileName } from "./report";

describe("report export", () => {
  it("names the file after the run's local start and the format's extension", () => {
    const at = new Date(2026, 10, 23, 4, 12).toISOString();
    expect(reportFileName(at, "html")).toBe("switchyard-readiness-20261123-0412.html");
    expect(reportFileName(at, "junit")).toBe("switchyard-readiness-20261123-0412.xml");
    expect(reportFileName("not a date", "json")).toBe("switchyard-readiness-run.json");
    expect(reportFileName(at, "html", "drill")).toBe("switchyard-drills-20261123-0412.html");
  });

  it("offers HTML first, then JSON and JUnit", () => {
    expect(REPORT_FORMATS.map((f) => f.id)).toEqual(["html", "json", "junit"]);
  });
});
