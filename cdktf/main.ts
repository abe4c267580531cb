/**
 * The example app that `cdktf synth` and `cdktf deploy` run (see cdktf.json). Synthesizing needs
 * no cloud account; deploying needs an Azure sign-in for Terraform and CORGEA_ADMIN_TOKEN in its
 * environment. CORGEA_URL, when set, points the configurations at a single-tenant Corgea.
 */
import { App } from 'cdktf';

import { parseServiceUrl } from '../src/urls.js';
import { CorgeaBootstrapStack } from './bootstrap-stack.js';

const app = new App();
const corgeaUrl = process.env['CORGEA_URL'];
// Checked here under the variable's own name; the prop's check would name `corgeaUrl`.
if (corgeaUrl) parseServiceUrl('CORGEA_URL', corgeaUrl);
new CorgeaBootstrapStack(app, 'corgea-bootstrap', corgeaUrl ? { corgeaUrl } : {});
app.synth();
