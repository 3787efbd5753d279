/** The refusals of a CMF/1 message, whether it comes alone (POST /v1/messages) or on a line of a batch. */
export const MESSAGE_REFUSALS = [
  'invalid_json',
  'invalid_message',
  'unknown_reference',
  'unknown_person_ref',
  'person_erased',
  'distribution_resolves_to_nobody',
  'sender_not_authenticated_party',
  'not_entitled_to_case',
  'case_not_found',
  'case_already_exists',
  'case_closed',
  'case_erased',
  'case_version_mismatch',
  'message_id_reused',
  'message_erased',
  'payload_too_large',
] as const;
