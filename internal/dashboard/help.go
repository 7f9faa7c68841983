package dashboard

// Summary is kafkaplot's (the dashboard's) help: what it draws and where from.
const Summary = `kafkaplot: live terminal charts of a Kafka topic of Avro sensor events, one pane per
partition. With no configuration (no -c, ./config.toml, environment or flags naming a cluster)
the first instance starts an embedded broker and schema registry and switches the sensor
generator on; later instances join it.`
