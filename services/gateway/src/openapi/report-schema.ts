// The run report's schema lives with the report service that writes it; the gateway serves it as is.
export { RunReportSchema } from "@haymaker/report/run-report-schema";
