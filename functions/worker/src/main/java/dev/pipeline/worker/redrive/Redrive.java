package dev.pipeline.worker.redrive;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import dev.pipeline.core.AwsSettings;
import dev.pipeline.core.QueueMessage;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.ListMessageMoveTasksResultEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * {@code tools/redrive.sh}: moves what reached the dead-letter queue back to the queue
 * the worker reads, with an SQS message move task, waits for it and reports how many
 * moved; or, with {@code --peek}, shows what the dead-letter queue holds without its
 * payloads.
 * <p>
 * A moved message gets a new SQS MessageId but keeps its message attributes, so the
 * worker stores it at the key its client was given ({@code message-id}). The endpoint,
 * region and credentials come from the SDK's standard settings, so the same command works
 * against AWS, LocalStack and the local emulator.
 * <p>
 * What it checks before it moves anything: the queue has a dead-letter queue (its
 * {@code RedrivePolicy}), the dead-letter queue holds messages, and no move task is
 * running on it. It cannot tell whether the worker's cause is fixed (that is the worker's
 * S3 access, bucket or code): docs/runbooks.md says how to find out first. A message that
 * fails again goes back to the dead-letter queue after the queue's
 * {@code maxReceiveCount} receives; nothing is lost either way.
 */
public final class Redrive {

	static final String USAGE = """
			usage: tools/redrive.sh <queue-name> [--peek[=N]] [--rate=N] [--timeout=SECONDS]
			  <queue-name>   the queue the worker reads (e.g. ingest-pipeline-prod-emails); its
			                 dead-letter queue is the one its RedrivePolicy names
			  --peek[=N]     list up to N (default 10, at most 100) messages of the dead-letter queue:
			                 message id, ingested-at, receives, size; no payload; moves nothing
			  --rate=N       move at most N messages per second (default: as fast as SQS moves them)
			  --timeout=S    wait at most S seconds for the move (default 900); the task goes on after
			Settings: AWS_REGION, AWS_ENDPOINT_URL_SQS or AWS_ENDPOINT_URL, and credentials from the
			SDK's default chain (environment, profile).""";

	static final int EXIT_USAGE = 64;

	static final int EXIT_FAILED = 1;

	static final int EXIT_TIMED_OUT = 2;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Duration POLL = Duration.ofSeconds(1);

	private final SqsClient sqs;

	private final PrintStream out;

	Redrive(SqsClient sqs, PrintStream out) {
		this.sqs = sqs;
		this.out = out;
	}

	public static void main(String[] args) {
		System.exit(run(List.of(args), Redrive::setting, System.out));
	}

	/**
	 * Runs the command.
	 * @param args the arguments, as {@link #USAGE} lists them
	 * @param settings the SDK's standard settings by name ({@code AWS_REGION}, ...)
	 * @param out where the report goes
	 * @return the exit status: 0 done, 1 failed, 2 timed out, 64 usage
	 */
	public static int run(List<String> args, UnaryOperator<String> settings, PrintStream out) {
		Options options;
		try {
			options = Options.parse(args);
		}
		catch (IllegalArgumentException ex) {
			out.println("redrive: " + ex.getMessage());
			out.println(USAGE);
			return EXIT_USAGE;
		}
		try (SqsClient sqs = AwsSettings.apply(SqsClient.builder(), "SQS", settings)
			.httpClientBuilder(ApacheHttpClient.builder())
			.build()) {
			Redrive redrive = new Redrive(sqs, out);
			Queues queues = redrive.queues(options.queue());
			return (options.peek() > 0) ? redrive.peek(queues, options.peek())
					: redrive.move(queues, options.rate(), options.timeout());
		}
		catch (SdkException | IllegalStateException ex) {
			out.println("redrive: " + ex.getMessage());
			return EXIT_FAILED;
		}
	}

	/**
	 * The worker's queue and its dead-letter queue, as the queue's RedrivePolicy names
	 * it.
	 */
	Queues queues(String name) {
		String url = this.sqs.getQueueUrl((request) -> request.queueName(name)).queueUrl();
		Map<QueueAttributeName, String> attributes = this.sqs
			.getQueueAttributes((request) -> request.queueUrl(url)
				.attributeNames(QueueAttributeName.QUEUE_ARN, QueueAttributeName.REDRIVE_POLICY))
			.attributes();
		String policy = attributes.get(QueueAttributeName.REDRIVE_POLICY);
		if (policy == null || policy.isBlank()) {
			throw new IllegalStateException("the queue " + name + " has no dead-letter queue (no RedrivePolicy)");
		}
		String deadLetterArn;
		try {
			deadLetterArn = JSON.readTree(policy).path("deadLetterTargetArn").asString("");
		}
		catch (JacksonException ex) {
			deadLetterArn = "";
		}
		String[] arn = deadLetterArn.split(":");
		if (arn.length != 6) {
			throw new IllegalStateException("the RedrivePolicy of " + name + " names no dead-letter queue ARN");
		}
		String deadLetterUrl = this.sqs
			.getQueueUrl((request) -> request.queueName(arn[5]).queueOwnerAWSAccountId(arn[4]))
			.queueUrl();
		return new Queues(name, url, attributes.get(QueueAttributeName.QUEUE_ARN), arn[5], deadLetterUrl,
				deadLetterArn);
	}

	/**
	 * Lists messages of the dead-letter queue without their bodies, then makes them
	 * visible again at once.
	 */
	int peek(Queues queues, int limit) {
		Depth depth = depth(queues.deadLetterUrl());
		this.out.printf("dead-letter queue %s: %d visible, %d in flight%n", queues.deadLetterName(), depth.visible(),
				depth.inFlight());
		List<Message> seen = new ArrayList<>();
		while (seen.size() < limit) {
			int batch = Math.min(10, limit - seen.size());
			List<Message> messages = this.sqs
				.receiveMessage((request) -> request.queueUrl(queues.deadLetterUrl())
					.maxNumberOfMessages(batch)
					.visibilityTimeout(30)
					.waitTimeSeconds(0)
					.messageAttributeNames(QueueMessage.MESSAGE_ID, QueueMessage.INGESTED_AT)
					.messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT,
							MessageSystemAttributeName.SENT_TIMESTAMP))
				.messages();
			if (messages.isEmpty()) {
				break;
			}
			seen.addAll(messages);
		}
		for (Message message : seen) {
			Map<MessageSystemAttributeName, String> system = message.attributes();
			this.out.printf("  message-id %s  ingested-at %s  receives %s  sent %s  %d bytes%n",
					attribute(message, QueueMessage.MESSAGE_ID, "(none: SQS " + message.messageId() + ")"),
					attribute(message, QueueMessage.INGESTED_AT, "(none)"),
					system.getOrDefault(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "?"),
					sentAt(system.get(MessageSystemAttributeName.SENT_TIMESTAMP)),
					message.body().getBytes(StandardCharsets.UTF_8).length);
		}
		// Visible again now, so a redrive right after moves them.
		for (int start = 0; start < seen.size(); start += 10) {
			List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>();
			for (int i = start; i < Math.min(start + 10, seen.size()); i++) {
				entries.add(ChangeMessageVisibilityBatchRequestEntry.builder()
					.id(Integer.toString(i))
					.receiptHandle(seen.get(i).receiptHandle())
					.visibilityTimeout(0)
					.build());
			}
			this.sqs
				.changeMessageVisibilityBatch((request) -> request.queueUrl(queues.deadLetterUrl()).entries(entries));
		}
		this.out.printf("peek: %d message(s) listed, none moved or changed%n", seen.size());
		return 0;
	}

	/** Starts a move task from the dead-letter queue to the queue and waits for it. */
	int move(Queues queues, Integer rate, Duration timeout) {
		List<ListMessageMoveTasksResultEntry> tasks = tasks(queues);
		if (!tasks.isEmpty() && "RUNNING".equals(tasks.get(0).status())) {
			this.out.printf("redrive: a move task is already running on %s (%d of %d moved); not starting another%n",
					queues.deadLetterName(), tasks.get(0).approximateNumberOfMessagesMoved(),
					tasks.get(0).approximateNumberOfMessagesToMove());
			return EXIT_FAILED;
		}
		Depth before = depth(queues.deadLetterUrl());
		if (before.visible() == 0 && before.inFlight() == 0) {
			this.out.printf("redrive: %s is empty; nothing to move%n", queues.deadLetterName());
			return 0;
		}
		Instant started = Instant.now();
		String handle = this.sqs
			.startMessageMoveTask((request) -> request.sourceArn(queues.deadLetterArn())
				.destinationArn(queues.arn())
				.maxNumberOfMessagesPerSecond(rate))
			.taskHandle();
		this.out.printf("redrive: moving %d message(s) from %s to %s%s%n", before.visible(), queues.deadLetterName(),
				queues.name(),
				(before.inFlight() > 0) ? " (" + before.inFlight() + " in flight stay where they are)" : "");
		Instant deadline = started.plus(timeout);
		while (true) {
			ListMessageMoveTasksResultEntry task = latest(queues, handle);
			if (task != null && !"RUNNING".equals(task.status())) {
				Depth after = depth(queues.deadLetterUrl());
				long seconds = Duration.between(started, Instant.now()).toSeconds();
				if ("COMPLETED".equals(task.status())) {
					this.out.printf("redrive: moved %d message(s) in %d s; %s now holds %d%n",
							task.approximateNumberOfMessagesMoved(), seconds, queues.deadLetterName(),
							after.visible() + after.inFlight());
					return 0;
				}
				this.out.printf("redrive: the move task ended %s after %d s (%s); %d message(s) moved%n", task.status(),
						seconds, (task.failureReason() != null) ? task.failureReason() : "no reason given",
						task.approximateNumberOfMessagesMoved());
				return EXIT_FAILED;
			}
			if (Instant.now().isAfter(deadline)) {
				this.out.printf(
						"redrive: not done after %d s; the task goes on (tools/redrive.sh %s --peek shows what is left)%n",
						timeout.toSeconds(), queues.name());
				return EXIT_TIMED_OUT;
			}
			sleep(POLL);
		}
	}

	private List<ListMessageMoveTasksResultEntry> tasks(Queues queues) {
		return this.sqs.listMessageMoveTasks((request) -> request.sourceArn(queues.deadLetterArn()).maxResults(10))
			.results();
	}

	/**
	 * The task this command started: the running one with its handle, else the most
	 * recent (SQS shows the handle only while a task runs).
	 */
	private ListMessageMoveTasksResultEntry latest(Queues queues, String handle) {
		List<ListMessageMoveTasksResultEntry> tasks = tasks(queues);
		for (ListMessageMoveTasksResultEntry task : tasks) {
			if (handle.equals(task.taskHandle())) {
				return task;
			}
		}
		return tasks.isEmpty() ? null : tasks.get(0);
	}

	private Depth depth(String url) {
		Map<QueueAttributeName, String> attributes = this.sqs
			.getQueueAttributes((request) -> request.queueUrl(url)
				.attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
						QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
			.attributes();
		return new Depth(
				Long.parseLong(attributes.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "0")),
				Long.parseLong(
						attributes.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE, "0")));
	}

	private static String attribute(Message message, String name, String absent) {
		var value = message.messageAttributes().get(name);
		return (value != null && value.stringValue() != null) ? value.stringValue() : absent;
	}

	private static String sentAt(String millis) {
		try {
			return (millis != null) ? Instant.ofEpochMilli(Long.parseLong(millis)).toString() : "?";
		}
		catch (NumberFormatException ex) {
			return "?";
		}
	}

	private static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while waiting for the move task", ex);
		}
	}

	private static String setting(String name) {
		String value = System.getProperty(name);
		return (value != null) ? value : System.getenv(name);
	}

	record Queues(String name, String url, String arn, String deadLetterName, String deadLetterUrl,
			String deadLetterArn) {
	}

	record Depth(long visible, long inFlight) {
	}

	/**
	 * The parsed arguments.
	 *
	 * @param queue the worker's queue
	 * @param peek how many messages to list, 0 to move instead
	 * @param rate messages per second, or {@code null} for SQS's own pace
	 * @param timeout how long to wait for the move
	 */
	record Options(String queue, int peek, Integer rate, Duration timeout) {

		static Options parse(List<String> args) {
			String queue = null;
			int peek = 0;
			Integer rate = null;
			Duration timeout = Duration.ofSeconds(900);
			for (String arg : args) {
				if (arg.equals("--peek")) {
					peek = 10;
				}
				else if (arg.startsWith("--peek=")) {
					peek = bounded(arg, 1, 100);
				}
				else if (arg.startsWith("--rate=")) {
					rate = bounded(arg, 1, 500);
				}
				else if (arg.startsWith("--timeout=")) {
					timeout = Duration.ofSeconds(bounded(arg, 1, 86_400));
				}
				else if (arg.startsWith("-") || queue != null) {
					throw new IllegalArgumentException("unexpected argument " + arg);
				}
				else {
					queue = arg;
				}
			}
			if (queue == null) {
				throw new IllegalArgumentException("the queue's name is required");
			}
			return new Options(queue, peek, rate, timeout);
		}

		private static int bounded(String arg, int min, int max) {
			String value = arg.substring(arg.indexOf('=') + 1);
			try {
				int number = Integer.parseInt(value);
				if (number >= min && number <= max) {
					return number;
				}
			}
			catch (NumberFormatException ex) {
				// reported below
			}
			throw new IllegalArgumentException(
					arg.substring(0, arg.indexOf('=')) + " takes a number from " + min + " to " + max);
		}

	}

}
