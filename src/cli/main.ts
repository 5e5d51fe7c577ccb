/**
 * The `meshcast` command: `meshcast signal` (signaling server + demo) and `meshcast peer` (a Node
 * server peer). Usage errors print the command's help and exit 2.
 */
import { UsageError } from './args.js';
import { PEER_HELP, runPeer } from './peer.js';
import { runSignal, SIGNAL_HELP } from './signal.js';

export const MAIN_HELP = `Usage: meshcast <command> [options]

Commands:
  signal    run the signaling server and serve the demo (what npm start runs)
  peer      run a Node server peer (TCP, and WebRTC into a browser room)

Run 'meshcast <command> --help' for a command's options.
`;

const COMMANDS: Record<string, { run: (argv: readonly string[], log: (line: string) => void) => Promise<void>; help: string }> = {
  signal: { run: runSignal, help: SIGNAL_HELP },
  peer: { run: runPeer, help: PEER_HELP },
};

export async function main(argv: readonly string[], log: (line: string) => void = (line) => console.log(line)): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === 'help') {
    log(MAIN_HELP);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`meshcast: unknown command '${name}'\n`);
    log(MAIN_HELP);
    return 2;
  }
  try {
    await command.run(rest, log);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`meshcast ${name}: ${err.message}\n`);
      console.error(command.help);
      return 2;
    }
    console.error(`meshcast ${name}: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}
