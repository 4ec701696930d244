-- metadata-service used to check step configurations against a hand-written subset of JSON Schema that refused
-- every key outside "properties". It now uses a real JSON Schema validator, for which such keys are allowed unless
-- "additionalProperties" is false. The schemas stored under the old reading say so, and keep meaning what they did.
UPDATE task_definitions
   SET config_schema = config_schema || '{"additionalProperties": false}'::jsonb
 WHERE config_schema ? 'properties'
   AND NOT config_schema ? 'additionalProperties';
