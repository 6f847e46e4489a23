// `npm run example:undici`: five quick calls to a local stand-in for a partner API,
// through the pipeline: three reach it with the API key added, two are answered 429 by
// the rate-limit stage without leaving the process.
import { createPartnerClient } from './client.js';
import { PARTNER_KEY, startPartnerApi } from './partner-api.js';

const api = await startPartnerApi();
const client = createPartnerClient({ apiKey: PARTNER_KEY, burst: 3, perSecond: 0.5 });
for (let i = 1; i <= 5; i++) {
  const { status, body } = await client.get(api.url, '/rates');
  console.log(`call ${i}: ${status} ${JSON.stringify(body)}`);
}
console.log(`calls that reached the partner API: ${api.stats.calls} of 5`);
await client.close();
api.server.close();
