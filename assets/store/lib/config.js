// The shop's public configuration (name, switches, Google sign-in), fetched once.
import { api } from './api.js';

let cached = null;
export const shopConfig = () => (cached ||= api('GET', '/app-config').catch(() => ({})));
