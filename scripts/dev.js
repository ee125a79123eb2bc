// `npm run dev`: the API server (restarted by tsx on change) and Vite's dev server with its proxy.
import { spawn } from 'node:child_process';

const port = process.env.PORT ?? '3000';
const env = { ...process.env, PORT: port, ORDINAL_ALLOWED_ORIGINS: 'http://localhost:5173' };
const children = [
  spawn('npx', ['tsx', 'watch', 'server/cli/main.ts', 'serve', '--port', port], { stdio: 'inherit', env }),
  spawn('npx', ['vite'], { stdio: 'inherit', env }),
];
const stop = () => children.forEach((c) => c.kill('SIGTERM'));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
for (const child of children) child.on('exit', stop);
