import type { Sample } from '@tcplens/service';
import type { PublisherStats } from './publisher.js';

export interface SensorHealth {
  sensorId: string;
  packetsCaptured: number;
  kernelDrops: number;
  interfaceDrops: number;
  decodeProblems: Record<string, number>;
  spoolBytes: number;
  spoolSegments: number;
  spoolDroppedPackets: number;
  queuedBytes: number;
  publisher: PublisherStats;
}

/** The sensor's Prometheus samples (names end in _total for counters, as the convention asks). */
export function sensorSamples(h: SensorHealth): Sample[] {
  const l = { sensor: h.sensorId };
  const s: Sample[] = [
    { name: 'tcplens_sensor_packets_captured_total', help: 'TCP segments captured (decoded and queued)', type: 'counter', value: h.packetsCaptured, labels: l },
    { name: 'tcplens_sensor_kernel_drops_total', help: 'packets the kernel dropped (no room in the capture ring)', type: 'counter', value: h.kernelDrops, labels: l },
    { name: 'tcplens_sensor_interface_drops_total', help: 'packets the interface or driver dropped', type: 'counter', value: h.interfaceDrops, labels: l },
    { name: 'tcplens_sensor_spool_bytes', help: 'bytes waiting in the on-disk spool', type: 'gauge', value: h.spoolBytes, labels: l },
    { name: 'tcplens_sensor_spool_segments', help: 'segment files in the spool', type: 'gauge', value: h.spoolSegments, labels: l },
    { name: 'tcplens_sensor_spool_dropped_packets_total', help: 'packets dropped because the spool was full', type: 'counter', value: h.spoolDroppedPackets, labels: l },
    { name: 'tcplens_sensor_queued_bytes', help: 'bytes of batches queued in memory', type: 'gauge', value: h.queuedBytes, labels: l },
    { name: 'tcplens_sensor_batches_published_total', help: 'packet batches acknowledged by Kafka', type: 'counter', value: h.publisher.batchesPublished, labels: l },
    { name: 'tcplens_sensor_packets_published_total', help: 'TCP segments acknowledged by Kafka', type: 'counter', value: h.publisher.packetsPublished, labels: l },
    { name: 'tcplens_sensor_watermarks_published_total', help: 'watermark messages acknowledged by Kafka', type: 'counter', value: h.publisher.watermarksPublished, labels: l },
    { name: 'tcplens_sensor_bytes_published_total', help: 'wire bytes acknowledged by Kafka (before compression)', type: 'counter', value: h.publisher.bytesPublished, labels: l },
    { name: 'tcplens_sensor_send_failures_total', help: 'failed Kafka sends (each retried)', type: 'counter', value: h.publisher.sendFailures, labels: l },
    { name: 'tcplens_sensor_kafka_up', help: '1 when the last Kafka send succeeded', type: 'gauge', value: h.publisher.kafkaUp ? 1 : 0, labels: l },
  ];
  for (const [reason, n] of Object.entries(h.decodeProblems)) {
    if (n > 0) s.push({ name: 'tcplens_sensor_decode_problems_total', help: 'frames not delivered as TCP (or delivered with a problem), by reason', type: 'counter', value: n, labels: { ...l, reason } });
  }
  return s;
}
