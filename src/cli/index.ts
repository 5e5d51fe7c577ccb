/** Entry of the `meshcast` bin (bin/meshcast.js imports the built dist/cli.js). */
import { main } from './main.js';

main(process.argv.slice(2)).then(
  (code) => {
    // Commands that keep running (signal, peer) return 0 once up; only a finished command sets the code.
    if (code !== 0) process.exit(code);
  },
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
