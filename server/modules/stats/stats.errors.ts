import { createErrorFactory } from '#server/http/errors.ts';

export const leaderboardOff = createErrorFactory({ status: 404, code: 'leaderboard.off', message: 'This project has no leaderboard.' });
