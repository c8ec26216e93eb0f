package dev.pipeline.testsupport;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.elasticmq.server.ElasticMQServer;
import org.elasticmq.server.config.ElasticMQServerConfig;
import scala.Function0;

import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * ElasticMQ in this JVM, speaking the SQS wire protocol on a loopback port.
 */
public final class SqsEmulator implements AutoCloseable {

	/** The one message database of this JVM: see {@link #persistent}. */
	private static final AtomicReference<Path> DATABASE = new AtomicReference<>();

	private final Runnable stop;

	private final URI endpoint;

	private SqsEmulator(Runnable stop, int port) {
		this.stop = stop;
		this.endpoint = URI.create("http://127.0.0.1:" + port);
	}

	/**
	 * Starts an emulator on a free port.
	 * @return the running emulator
	 */
	public static SqsEmulator start() {
		return start(0);
	}

	/**
	 * Starts an emulator.
	 * @param port the port, or 0 for any free one
	 * @return the running emulator
	 */
	public static SqsEmulator start(int port) {
		// Without TCP_NODELAY every small response waits for a delayed ACK (~40 ms).
		System.setProperty("pekko.http.server.socket-options.tcp-no-delay", "on");
		SQSRestServer server = SQSRestServerBuilder.withPort(port)
			.withInterface("127.0.0.1")
			.withAWSRegion(Aws.REGION.id())
			.withAWSAccountId("000000000000")
			.start();
		int boundPort = server.waitUntilStarted().localAddress().getPort();
		return new SqsEmulator(server::stopAndWait, boundPort);
	}

	/**
	 * Starts an emulator that keeps its messages in an H2 database file, so what is
	 * queued when it stops is there again when it starts, with one queue and its
	 * dead-letter queue ({@code <name>-dlq}) as {@link #createQueueWithDeadLetters} makes
	 * them. The queues are declared to ElasticMQ's server, which restores them and their
	 * messages at start; this returns once both queues answer.
	 * <p>
	 * ElasticMQ opens its database through a connection pool that is a singleton of the
	 * JVM, set up by the first persistent emulator: a later one with another file would
	 * silently share the first's messages, so it is refused. One file per JVM; the same
	 * file may be opened again after a stop.
	 * @param database the database file, without H2's {@code .mv.db} suffix
	 * @param port the port (not 0: the queue URLs carry it)
	 * @param name the queue name
	 * @param maxReceiveCount receives before a message moves to the dead-letter queue
	 * @param visibilityTimeoutSeconds the queue's visibility timeout
	 * @return the running emulator
	 */
	public static SqsEmulator persistent(Path database, int port, String name, int maxReceiveCount,
			int visibilityTimeoutSeconds) {
		Path file = database.toAbsolutePath().normalize();
		if (!DATABASE.compareAndSet(null, file) && !DATABASE.get().equals(file)) {
			throw new IllegalStateException("ElasticMQ keeps one message database per JVM: " + DATABASE.get()
					+ " is in use, so " + file + " cannot be");
		}
		System.setProperty("pekko.http.server.socket-options.tcp-no-delay", "on");
		String uri = "jdbc:h2:" + file.toString().replace('\\', '/');
		Config config = ConfigFactory
			.parseString(
					"""
							node-address { protocol = http, host = "127.0.0.1", port = %d, context-path = "" }
							generate-node-address = false
							rest-sqs { enabled = true, bind-port = %d, bind-hostname = "127.0.0.1", sqs-limits = strict }
							aws { region = "%s", accountId = "000000000000" }
							messages-storage { enabled = true, driver-class = "org.h2.Driver", uri = "%s", prune-data-on-init = false }
							queues {
							  "%s" {
							    defaultVisibilityTimeout = %d seconds
							    deadLettersQueue { name = "%s-dlq", maxReceiveCount = %d }
							  }
							  "%s-dlq" { }
							}
							pekko.loglevel = "WARNING"
							"""
						.formatted(port, port, Aws.REGION.id(), uri, name, visibilityTimeoutSeconds, name,
								maxReceiveCount, name))
			.withFallback(ConfigFactory.load())
			.resolve();
		Function0<?> shutdown = new ElasticMQServer(new ElasticMQServerConfig(config)).start();
		SqsEmulator emulator = new SqsEmulator(shutdown::apply, port);
		emulator.awaitQueues(name, name + "-dlq");
		return emulator;
	}

	private void awaitQueues(String... names) {
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		try (SqsClient sqs = client()) {
			for (String name : names) {
				while (true) {
					try {
						sqs.getQueueUrl((request) -> request.queueName(name));
						break;
					}
					catch (QueueDoesNotExistException | SdkClientException ex) {
						if (System.nanoTime() > deadline) {
							close();
							throw new IllegalStateException("ElasticMQ did not restore queue " + name, ex);
						}
						Thread.onSpinWait();
					}
				}
			}
		}
	}

	/**
	 * Returns the endpoint to give the SDK ({@code AWS_ENDPOINT_URL_SQS}).
	 * @return the endpoint
	 */
	public URI endpoint() {
		return this.endpoint;
	}

	/**
	 * Creates a client of this emulator; the caller closes it.
	 * @return a new client
	 */
	public SqsClient client() {
		return SqsClient.builder()
			.endpointOverride(this.endpoint)
			.region(Aws.REGION)
			.credentialsProvider(Aws.CREDENTIALS)
			.build();
	}

	/**
	 * Creates a standard queue, or returns the existing one.
	 * @param name the queue name
	 * @return the queue URL
	 */
	public String createQueue(String name) {
		return createQueue(name, Map.of());
	}

	/**
	 * Creates a standard queue with attributes, or returns the existing one.
	 * @param name the queue name
	 * @param attributes queue attributes
	 * @return the queue URL
	 */
	public String createQueue(String name, Map<QueueAttributeName, String> attributes) {
		try (SqsClient sqs = client()) {
			return sqs.createQueue((request) -> request.queueName(name).attributes(attributes)).queueUrl();
		}
	}

	/**
	 * Creates a queue whose messages move to a dead-letter queue after
	 * {@code maxReceiveCount} receives, as the deployed queue does.
	 * @param name the queue name; the dead-letter queue is {@code <name>-dlq}
	 * @param maxReceiveCount receives before a message moves to the dead-letter queue
	 * @param visibilityTimeoutSeconds the queue's visibility timeout
	 * @return the URLs of both queues
	 */
	public QueuePair createQueueWithDeadLetters(String name, int maxReceiveCount, int visibilityTimeoutSeconds) {
		String deadLetterUrl = createQueue(name + "-dlq");
		try (SqsClient sqs = client()) {
			String deadLetterArn = sqs
				.getQueueAttributes(
						(request) -> request.queueUrl(deadLetterUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
				.attributes()
				.get(QueueAttributeName.QUEUE_ARN);
			String url = createQueue(name,
					Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, Integer.toString(visibilityTimeoutSeconds),
							QueueAttributeName.REDRIVE_POLICY, "{\"deadLetterTargetArn\":\"" + deadLetterArn
									+ "\",\"maxReceiveCount\":\"" + maxReceiveCount + "\"}"));
			return new QueuePair(url, deadLetterUrl);
		}
	}

	/**
	 * Returns the URLs of a queue and its dead-letter queue ({@code <name>-dlq}), both of
	 * which exist.
	 * @param name the queue name
	 * @return the URLs of both queues
	 */
	public QueuePair queuePair(String name) {
		try (SqsClient sqs = client()) {
			return new QueuePair(sqs.getQueueUrl((request) -> request.queueName(name)).queueUrl(),
					sqs.getQueueUrl((request) -> request.queueName(name + "-dlq")).queueUrl());
		}
	}

	/**
	 * Counts a queue's messages, visible or in flight.
	 * @param queueUrl the queue's URL
	 * @return the count
	 */
	public int depth(String queueUrl) {
		try (SqsClient sqs = client()) {
			return sqs
				.getQueueAttributes((request) -> request.queueUrl(queueUrl)
					.attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
							QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
				.attributes()
				.values()
				.stream()
				.mapToInt(Integer::parseInt)
				.sum();
		}
	}

	/**
	 * A queue and its dead-letter queue.
	 *
	 * @param url the queue's URL
	 * @param deadLetterUrl the dead-letter queue's URL
	 */
	public record QueuePair(String url, String deadLetterUrl) {
	}

	@Override
	public void close() {
		this.stop.run();
	}

}
