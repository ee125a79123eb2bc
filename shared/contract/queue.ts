import { queueStateSchema } from '../queue-state.ts';
import { projectParams } from './projects.ts';
import { allUsers, route } from './route.ts';

export const queueApi = {
  state: route({
    method: 'get',
    path: '/projects/:slug/queue',
    summary: 'For the asker: how many comparisons other trainers’ leases keep from them, and when the first of those leases ends',
    roles: allUsers,
    params: projectParams,
    response: queueStateSchema,
  }),
};
