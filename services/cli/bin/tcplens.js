#!/usr/bin/env node
import { main } from '../dist/main.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    // main() turns every user error into one line; anything reaching here is a bug.
    console.error(err);
    process.exitCode = 70;
  },
);
