/** Test helpers for other packages' tests (`@tcplens/store/testing`): records and the cookbook data set. */
export { makeRecord, tempDir, T0 } from './test-records.js';
export { cookbookRecords, T as COOKBOOK_T, MINUTE } from './sql-doc-data.js';
