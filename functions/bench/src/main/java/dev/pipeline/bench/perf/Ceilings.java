package dev.pipeline.bench.perf;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * The emulators' raw ceilings: the same SDK calls the services make, from plain threads
 * with nothing else around them, on queues and a bucket of their own. Every figure of the
 * services is read against these, measured in the same run.
 *
 * @param send {@code SendMessage} (one message per call), by thread count
 * @param sendBatch {@code SendMessageBatch} of 10, by thread count
 * @param receiveDelete {@code ReceiveMessage} of up to 10 then one
 * {@code DeleteMessageBatch}, by thread count
 * @param put {@code PutObject} with {@code If-None-Match: *}, by thread count
 */
record Ceilings(Map<Integer, Load.Result> send, Map<Integer, Load.Result> sendBatch,
		Map<Integer, Load.Result> receiveDelete, Map<Integer, Load.Result> put) {

	/**
	 * Measures each operation at each thread count, after a warm-up of the same length at
	 * the first count, so that the emulators and the SDK run compiled code as the
	 * services' phases do after theirs.
	 */
	static Ceilings measure(Rig rig, List<Integer> threadCounts, Duration phase) throws InterruptedException {
		measure(rig, threadCounts.subList(0, 1), phase, "warm-up ");
		return measure(rig, threadCounts, phase, "");
	}

	private static Ceilings measure(Rig rig, List<Integer> threadCounts, Duration phase, String label)
			throws InterruptedException {
		Map<Integer, Load.Result> send = new LinkedHashMap<>();
		Map<Integer, Load.Result> sendBatch = new LinkedHashMap<>();
		Map<Integer, Load.Result> receiveDelete = new LinkedHashMap<>();
		Map<Integer, Load.Result> put = new LinkedHashMap<>();
		for (int threads : threadCounts) {
			String queue = rig.sqs().createQueue((r) -> r.queueName("bench-raw-" + label.trim() + threads)).queueUrl();
			String bucket = "bench-raw-" + (label.isEmpty() ? "" : "warm-") + threads;
			rig.s3().createBucket((r) -> r.bucket(bucket));
			Rig.progress("Ceiling: " + label + "SendMessage, " + threads + " threads");
			send.put(threads, Load.run(threads, phase, () -> {
				rig.sqs()
					.sendMessage((r) -> r.queueUrl(queue)
						.messageBody(Rig.DATA)
						.messageAttributes(Rig.attributes(Instant.now())));
				return 1;
			}));
			Rig.progress("Ceiling: " + label + "SendMessageBatch, " + threads + " threads");
			sendBatch.put(threads, Load.run(threads, phase, () -> {
				List<SendMessageBatchRequestEntry> entries = new ArrayList<>(10);
				for (int i = 0; i < 10; i++) {
					entries.add(SendMessageBatchRequestEntry.builder()
						.id(Integer.toString(i))
						.messageBody(Rig.DATA)
						.messageAttributes(Rig.attributes(Instant.now()))
						.build());
				}
				return rig.sqs().sendMessageBatch((r) -> r.queueUrl(queue).entries(entries)).successful().size();
			}));
			Rig.progress("Ceiling: " + label + "ReceiveMessage(10) + DeleteMessageBatch, " + threads + " threads");
			receiveDelete.put(threads, Load.run(threads, phase, () -> {
				List<Message> messages = rig.sqs()
					.receiveMessage((r) -> r.queueUrl(queue).maxNumberOfMessages(10))
					.messages();
				if (messages.isEmpty()) {
					return 0;
				}
				List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
				for (int i = 0; i < messages.size(); i++) {
					entries.add(DeleteMessageBatchRequestEntry.builder()
						.id(Integer.toString(i))
						.receiptHandle(messages.get(i).receiptHandle())
						.build());
				}
				return rig.sqs().deleteMessageBatch((r) -> r.queueUrl(queue).entries(entries)).successful().size();
			}));
			Rig.progress("Ceiling: " + label + "PutObject, " + threads + " threads");
			AtomicLong n = new AtomicLong();
			put.put(threads, Load.run(threads, phase, () -> {
				rig.s3()
					.putObject((r) -> r.bucket(bucket)
						.key("raw/" + n.incrementAndGet() + ".json")
						.ifNoneMatch("*")
						.contentType("application/json"), RequestBody.fromString(Rig.DATA));
				return 1;
			}));
			rig.sqs().deleteQueue((r) -> r.queueUrl(queue));
		}
		return new Ceilings(send, sendBatch, receiveDelete, put);
	}

	/**
	 * The best rate any thread count reached.
	 * @param results one operation's results
	 * @return operations (messages) per second
	 */
	static double best(Map<Integer, Load.Result> results) {
		return results.values().stream().mapToDouble(Load.Result::rate).max().orElse(Double.NaN);
	}

}
