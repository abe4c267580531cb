/**
 * The example app that `cdktf synth` and `cdktf deploy` run (see cdktf.json). Synthesizing needs
 * no cloud account; deploying needs an Azure sign-in for Terraform and CORGEA_ADMIN_TOKEN in its
 * environment. CORGEA_URL, when set, points the configurations at a single-tenant Corgea.
 */
import { App } from 'cdktf';

import { CorgeaBootstrapStack } from './bootstrap-stack.js';

const app = new App();
const corgeaUrl = process.env['CORGEA_URL'];
new CorgeaBootstrapStack(app, 'corgea-bootstrap', corgeaUrl ? { corgeaUrl } : {});
app.synth();
