#!/usr/bin/env node
import { main } from './main.js';

// exit() rather than exitCode: a threaded wasm backend keeps worker threads alive after the work is done.
main(process.argv.slice(2)).then((code) => process.exit(code));
