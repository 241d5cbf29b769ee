import { TestGateway } from '../helpers/gateway';
import { ScimClient } from '../helpers/scim';

let gateway: TestGateway;
let scim: ScimClient;

beforeAll(async () => {
  gateway = await TestGateway.start();
  scim = await ScimClient.forTenant(gateway, await gateway.bootstrap('acme'));
});

afterAll(() => gateway?.stop());

it('creates, finds, deactivates and deletes a user; bad JSON is invalidSyntax', async () => {
  const created = await scim.post('/Users', {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    userName: 'Alice@Example.com',
    name: { givenName: 'Alice', familyName: 'Liddell' },
    emails: [{ value: 'alice@example.com', type: 'work', primary: true }],
    active: true,
  });
  expect(created.status).toBe(201);
  const found = await scim.get(
    '/Users?filter=' + encodeURIComponent('userName eq "alice@example.com"'),
  );
  expect(found.body.totalResults).toBe(1);
  const patched = await scim.patch(`/Users/${created.body.id}`, {
    schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
    Operations: [{ op: 'replace', value: { active: false } }],
  });
  expect(patched.body.active).toBe(false);
  const group = await scim.post('/Groups', {
    displayName: 'eng',
    members: [{ value: created.body.id }],
  });
  expect(group.status).toBe(201);
  const removed = await scim.delete(`/Users/${created.body.id}`);
  expect(removed.status).toBe(204);
  expect((await scim.get(`/Users/${created.body.id}`)).status).toBe(404);
  const spc = await scim.get('/ServiceProviderConfig');
  expect(spc.body.patch.supported).toBe(true);
  const bad = await scim.request('POST', '/Users', '{not json');
  expect(bad.status).toBe(400);
});
