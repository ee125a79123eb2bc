/**
 * A password from standard input, never from an argument (which stays in shell history and shows in
 * `ps`). Piped in, it is the whole input less one trailing newline; typed on a terminal, it follows
 * a prompt on standard error and is not shown as it is typed, like passwd.
 */
export async function readPassword(prompt: string): Promise<string> {
  return process.stdin.isTTY ? readHidden(prompt) : readAll();
}

async function readAll(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

const ENTER = new Set(['\r', '\n', '\u0004']);
const CTRL_C = '\u0003';
const BACKSPACE = new Set(['\u007f', '\b']);

function readHidden(prompt: string): Promise<string> {
  const stdin = process.stdin;
  // Raw before the prompt shows: what is typed once it is there is never echoed.
  stdin.setRawMode(true);
  process.stderr.write(`${prompt} (not shown as you type, Enter to finish): `);
  return new Promise((resolve) => {
    let typed = '';
    const finish = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (ENTER.has(char)) {
          finish();
          resolve(typed);
          return;
        }
        // Raw mode turns Ctrl-C into a character: end as the signal would have (status 130).
        if (char === CTRL_C) {
          finish();
          process.exit(130);
        }
        if (BACKSPACE.has(char)) typed = [...typed].slice(0, -1).join('');
        else if (char >= ' ') typed += char;
      }
    };
    stdin.setEncoding('utf8');
    stdin.on('data', onData).resume();
  });
}
