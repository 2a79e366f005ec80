// Scenario data from the StarRocks user guide that several tests share.

// The guide's Avro schema with AIR_PRESSURE instead of the invalid symbol AIR-PRESSURE (not a valid Avro name:
// Apicurio, avsc and Confluent's parser all reject it).
export const sensorLogSchema = {
  type: 'record',
  name: 'sensor_log',
  fields: [
    { name: 'id', type: 'long' },
    { name: 'name', type: 'string' },
    { name: 'checked', type: 'boolean' },
    { name: 'data', type: 'double' },
    {
      name: 'sensor_type',
      type: { type: 'enum', name: 'sensor_type_enum', symbols: ['TEMPERATURE', 'HUMIDITY', 'AIR_PRESSURE'] },
    },
  ],
};
