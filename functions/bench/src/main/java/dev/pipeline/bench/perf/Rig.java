package dev.pipeline.bench.perf;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.pipeline.core.Correlation;
import dev.pipeline.core.MessageIds;
import dev.pipeline.core.QueueMessage;
import dev.pipeline.local.LocalPipeline;
import dev.pipeline.testsupport.Aws;
import tools.jackson.databind.json.JsonMapper;

import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * What every phase of the benchmark works with: the running local pipeline, SDK clients
 * on its emulators (the same SDK and HTTP client the services use), an HTTP/1.1 client
 * for the API, and the payload every phase sends.
 *
 * @param pipeline the local pipeline
 * @param sqs a client of its SQS emulator
 * @param s3 a client of its S3 emulator
 * @param http the load generator's HTTP client
 */
record Rig(LocalPipeline pipeline, SqsClient sqs, S3Client s3, HttpClient http) implements AutoCloseable {

	static final JsonMapper JSON = JsonMapper.builder().build();

	/**
	 * The connections an open loop sends over: as many as a load balancer might keep to
	 * one target, and well within the API's limit of 1,024.
	 */
	static final int OPEN_LOOP_CONNECTIONS = 64;

	private static final HttpClient METRICS = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	/** A typical message's data: ~200 bytes. */
	static final String DATA = "{\"email_subject\":\"Quarterly report\",\"email_sender\":\"alice@example.com\","
			+ "\"email_timestream\":\"1764201600\",\"email_content\":\"Numbers attached, see you on Monday.\"}";

	static Rig on(LocalPipeline pipeline) {
		return new Rig(pipeline,
				SqsClient.builder()
					.endpointOverride(pipeline.sqsEndpoint())
					.region(Aws.REGION)
					.credentialsProvider(Aws.CREDENTIALS)
					.httpClientBuilder(ApacheHttpClient.builder().maxConnections(128))
					.build(),
				S3Client.builder()
					.endpointOverride(pipeline.s3Endpoint())
					.region(Aws.REGION)
					.credentialsProvider(Aws.CREDENTIALS)
					.forcePathStyle(true)
					.httpClientBuilder(ApacheHttpClient.builder().maxConnections(128))
					.build(),
				HttpClient.newBuilder()
					.version(HttpClient.Version.HTTP_1_1)
					.connectTimeout(Duration.ofSeconds(5))
					.build());
	}

	/**
	 * A valid {@code POST /ingest} of {@link #DATA}, failing after 10 s without an
	 * answer.
	 * @return the request
	 */
	HttpRequest ingest() {
		return HttpRequest.newBuilder(this.pipeline.apiUrl().resolve("/ingest"))
			.timeout(Duration.ofSeconds(10))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers
				.ofString("{\"token\":\"" + this.pipeline.token() + "\",\"data\":" + DATA + "}"))
			.build();
	}

	/**
	 * One closed-loop operation for {@link Load}: a POST that counts when it gets 202.
	 * @return 1, or -1 for any other answer
	 */
	int postOnce() throws IOException, InterruptedException {
		return (this.http.send(ingest(), HttpResponse.BodyHandlers.discarding()).statusCode() == 202) ? 1 : -1;
	}

	/**
	 * AWS API requests a service has made, by its SDK interceptor's counter
	 * ({@code aws.requests}).
	 * @param service the service
	 * @return the count so far
	 */
	long awsRequests(LocalPipeline.Service service) throws IOException, InterruptedException {
		// Its own client: the load's client may have thousands of requests in flight.
		HttpResponse<String> response = METRICS
			.send(HttpRequest.newBuilder(service.managementUrl().resolve("/actuator/metrics/aws.requests"))
				.timeout(Duration.ofSeconds(30))
				.build(), HttpResponse.BodyHandlers.ofString());
		if (response.statusCode() != 200) {
			throw new IllegalStateException(service.name() + " has no aws.requests metric: " + response.statusCode());
		}
		return (long) JSON.readTree(response.body()).get("measurements").get(0).get("value").asDouble();
	}

	LocalPipeline.Service api() {
		return this.pipeline.services().get(1);
	}

	/**
	 * Queues messages straight to SQS, as the API would have, for the worker to drain.
	 * @param count how many (a multiple of 10)
	 * @param ingestedAt their {@code ingested-at}, which sets the day folder of their
	 * keys
	 */
	void preload(int count, Instant ingestedAt) throws InterruptedException {
		java.util.concurrent.atomic.AtomicInteger batchesLeft = new java.util.concurrent.atomic.AtomicInteger(
				count / 10);
		List<Thread> senders = new ArrayList<>();
		for (int t = 0; t < 8; t++) {
			Thread sender = new Thread(() -> {
				while (batchesLeft.getAndDecrement() > 0) {
					List<SendMessageBatchRequestEntry> entries = new ArrayList<>(10);
					for (int i = 0; i < 10; i++) {
						entries.add(SendMessageBatchRequestEntry.builder()
							.id(Integer.toString(i))
							.messageBody(DATA)
							.messageAttributes(attributes(ingestedAt))
							.build());
					}
					this.sqs.sendMessageBatch((r) -> r.queueUrl(this.pipeline.queues().url()).entries(entries));
				}
			}, "preload-" + t);
			sender.start();
			senders.add(sender);
		}
		for (Thread sender : senders) {
			sender.join();
		}
	}

	/** The attributes the API sends, with a new message id. */
	static Map<String, MessageAttributeValue> attributes(Instant ingestedAt) {
		return new QueueMessage(MessageIds.random(), "", ingestedAt, Correlation.of(null, null)).attributes();
	}

	static void progress(String message) {
		System.out.printf("[%s] %s%n", DateTimeFormatter.ISO_LOCAL_TIME.format(LocalTime.now()).substring(0, 8),
				message);
	}

	@Override
	public void close() {
		this.sqs.close();
		this.s3.close();
	}

}
