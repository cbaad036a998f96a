export { grade, listSubmissions, workspaceRoot, accountFor, type GradeOptions, type GradeReport, type SubmissionResult } from './grade.js';
export { gradebookCsv, junitXml, reportHtml, writeReports } from './reports.js';
