import { runMeridian } from './meridian-cli';

/** `npm run -s meridian -- <command>`: the operator CLI (see meridian-cli.ts for the commands). */
runMeridian(process.argv.slice(2), {
  env: process.env,
  out: (line) => console.log(line),
  err: (line) => console.error(line),
}).then(
  (code) => process.exit(code),
  (error: unknown) => {
    // runMeridian reports its own failures; this is only a last resort.
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
