#!/usr/bin/env node
// The meshcast CLI: the build (npm run build) puts it in dist/cli.js.
import '../dist/cli.js';
