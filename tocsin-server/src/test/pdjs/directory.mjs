// Drives Tocsin's PagerDuty REST API with PagerDuty's own JavaScript client, as a script would: create people,
// page through /users with the client's next(), create a schedule and read it rendered, and send one bad schedule.
// Prints one JSON object of what the client saw; PdjsClientIT checks it.
import { api } from '@pagerduty/pdjs';

const base = process.env.TOCSIN_URL;
const pd = api({ token: process.env.TOCSIN_KEY });
const call = (method, path, data) => pd({ method, url: base + path, data });

const out = { created: [], pages: [] };
for (const [name, zone] of [['Pdjs Ada', 'Europe/Berlin'], ['Pdjs Bob', 'America/New_York'], ['Pdjs Cy', 'UTC']]) {
  const r = await call('post', '/users', {
    user: { type: 'user', name, email: name.replace(' ', '.').toLowerCase() + '@example.com', time_zone: zone,
            role: 'user', color: null, description: null, job_title: null },
  });
  out.created.push({ status: r.status, id: r.data.user.id, role: r.data.user.role });
}

let page = await call('get', '/users', { query: 'pdjs', limit: 2, total: true });
out.total = page.data.total;
for (;;) {
  out.pages.push(page.data.users.map(u => u.name));
  if (!page.next) break;
  page = await page.next();
}

const schedule = await call('post', '/schedules', {
  schedule: {
    type: 'schedule', name: 'pdjs weekly', time_zone: 'America/New_York', description: null,
    schedule_layers: [{
      name: 'Layer 1', start: '2027-01-04T09:00:00-05:00', end: null,
      rotation_virtual_start: '2027-01-04T09:00:00-05:00', rotation_turn_length_seconds: 604800,
      users: out.created.map(u => ({ user: { id: u.id, type: 'user_reference' } })), restrictions: [],
    }],
  },
});
out.scheduleStatus = schedule.status;
const rendered = await call('get', '/schedules/' + schedule.data.schedule.id,
  { since: '2027-01-04T00:00:00-05:00', until: '2027-01-25T00:00:00-05:00', time_zone: 'America/New_York' });
out.finalSchedule = rendered.data.schedule.final_schedule.rendered_schedule_entries
  .map(e => [e.user.summary, e.start, e.end]);

const bad = await call('post', '/schedules', { schedule: { name: 'bad', time_zone: 'Nowhere/Land', schedule_layers: [] } });
out.badStatus = bad.status;
out.badErrors = bad.data.error.errors;

console.log(JSON.stringify(out));
