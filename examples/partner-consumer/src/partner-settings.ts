import { loadPartnerConfig, type PartnerConfig } from './partner-config';

/**
 * The settings, read once when this module loads. main.ts checks them before
 * loading the Nest module, so a bad setting ends with one line, not a stack.
 * (@EventPattern needs the topic when the controller class is defined.)
 */
export const PARTNER_SETTINGS: PartnerConfig = loadPartnerConfig(process.env);
