package dev.pipeline.testsupport;

import java.net.URI;
import java.util.Map;

import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;

import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * ElasticMQ in this JVM, speaking the SQS wire protocol on a loopback port.
 */
public final class SqsEmulator implements AutoCloseable {

	private final SQSRestServer server;

	private final URI endpoint;

	private SqsEmulator(SQSRestServer server, int port) {
		this.server = server;
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
		return new SqsEmulator(server, boundPort);
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
	 * A queue and its dead-letter queue.
	 *
	 * @param url the queue's URL
	 * @param deadLetterUrl the dead-letter queue's URL
	 */
	public record QueuePair(String url, String deadLetterUrl) {
	}

	@Override
	public void close() {
		this.server.stopAndWait();
	}

}
