import { meridianConfig } from '../meridian.config';
import { parseConfig } from '../src/config/config-schema';
import { createMeridianApp } from '../src/meridian-app';

const { app } = createMeridianApp(parseConfig(meridianConfig));
app.synth();
