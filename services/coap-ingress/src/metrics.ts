/**
 * Prometheus metrics of one ingress replica (names `snooze_coap_*`, distinct from the dispatcher's, so
 * `npm start` can merge both registries on one /metrics).
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export type Outcome = 'delivered' | 'successful' | 'failed' | 'rejected' | 'ack_timeout' | 'result_timeout';

export interface IngressMetrics {
  registry: Registry;
  registrations: Counter<'op'>;
  rejected: Counter<'code'>;
  malformed: Counter;
  duplicates: Counter;
  commandsSent: Counter<'reason'>;
  outcomes: Counter<'outcome'>;
  uplinks: Counter<'kind'>;
  expiredAtDequeue: Counter;
  sessions: Gauge;
  observations: Gauge;
  wakeToSend: Histogram;
  roundTrip: Histogram;
}

/** Gauges are sampled at scrape time from the replica's sessions. */
export interface IngressGauges {
  sessions(): number;
  observations(): number;
}

export function createIngressMetrics(gauges: IngressGauges, registry: Registry = new Registry()): IngressMetrics {
  const registers = [registry];
  const latencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5, 30];
  return {
    registry,
    registrations: new Counter({
      name: 'snooze_coap_registrations_total',
      help: 'LwM2M registration interface operations that succeeded, by op (register, update, deregister)',
      labelNames: ['op'],
      registers,
    }),
    rejected: new Counter({
      name: 'snooze_coap_requests_rejected_total',
      help: 'Device requests answered with a CoAP error, by response code',
      labelNames: ['code'],
      registers,
    }),
    malformed: new Counter({
      name: 'snooze_coap_malformed_total',
      help: 'Datagrams dropped (or reset) because they are not well-formed CoAP',
      registers,
    }),
    duplicates: new Counter({
      name: 'snooze_coap_duplicates_total',
      help: 'Retransmitted requests dropped while the first copy was being handled',
      registers,
    }),
    commandsSent: new Counter({
      name: 'snooze_coap_commands_sent_total',
      help: 'Command writes (PUT /19/1/0) sent, by reason (wake, immediate, resend)',
      labelNames: ['reason'],
      registers,
    }),
    outcomes: new Counter({
      name: 'snooze_coap_command_outcomes_total',
      help: 'What became of command writes, by outcome',
      labelNames: ['outcome'],
      registers,
    }),
    uplinks: new Counter({
      name: 'snooze_coap_uplinks_total',
      help: 'Notifications on /19/0/0, by kind (data, result, invalid)',
      labelNames: ['kind'],
      registers,
    }),
    expiredAtDequeue: new Counter({
      name: 'snooze_coap_expired_at_dequeue_total',
      help: 'Commands found expired when their device woke up (never sent)',
      registers,
    }),
    sessions: new Gauge({
      name: 'snooze_coap_sessions',
      help: 'Devices registered at this replica',
      registers,
      collect() {
        this.set(gauges.sessions());
      },
    }),
    observations: new Gauge({
      name: 'snooze_coap_observations',
      help: 'Active observations of /19/0/0 held by this replica',
      registers,
      collect() {
        this.set(gauges.observations());
      },
    }),
    wakeToSend: new Histogram({
      name: 'snooze_coap_wake_to_send_seconds',
      help: 'From a device request (register, update, uplink) to the command write it triggered',
      buckets: latencyBuckets,
      registers,
    }),
    roundTrip: new Histogram({
      name: 'snooze_coap_command_round_trip_seconds',
      help: 'From a command write to the device result',
      buckets: latencyBuckets,
      registers,
    }),
  };
}
