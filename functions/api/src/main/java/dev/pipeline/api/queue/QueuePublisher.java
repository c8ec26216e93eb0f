package dev.pipeline.api.queue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.pipeline.api.ApiProperties;
import dev.pipeline.api.Phases;
import dev.pipeline.api.http.IngestEdge;
import dev.pipeline.api.http.Rejection;
import dev.pipeline.core.BackgroundRetry;
import dev.pipeline.core.Correlation;
import dev.pipeline.core.QueueMessage;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;

/**
 * Publishes accepted data to the SQS queue. Concurrent requests share
 * {@code SendMessageBatch} calls ({@link SendBatcher}): a message goes at once when no
 * send is in flight, and otherwise waits for the send to complete, for nine others or for
 * the configured linger, whichever comes first; each request still gets its own message
 * id or failure. The queue's URL is looked up by name in the background at start, retried
 * until found.
 */
@Component
public class QueuePublisher implements SmartLifecycle, IngestEdge.Readiness {

	private static final Logger logger = LoggerFactory.getLogger(QueuePublisher.class);

	private static final Duration MAX_RETRY = Duration.ofSeconds(10);

	private static final Duration SEND_TIMEOUT = Duration.ofSeconds(6);

	static final int DEFAULT_MAX_MESSAGE_BYTES = 262_144;

	/** The smallest body around {@code data}: {@code {"token":"x","data":}}. */
	static final int SMALLEST_ENVELOPE_BYTES = "{\"token\":\"x\",\"data\":}".length();

	private final SqsAsyncClient sqs;

	/**
	 * Created at each start: Spring stops and restarts it around a SnapStart snapshot.
	 */
	private volatile SendBatcher batches;

	private final Duration linger;

	private final String queueName;

	private final Timer publishTimer;

	private volatile String queueUrl;

	/**
	 * The queue's MaximumMessageSize, read when it is found; SQS's default until then.
	 */
	private volatile int maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES;

	private final long bodyLimit;

	private final DistributionSummary batchSizes;

	private volatile String misconfiguration;

	private volatile BackgroundRetry lookup;

	QueuePublisher(SqsAsyncClient sqs, ApiProperties properties, MeterRegistry meters) {
		this.sqs = sqs;
		this.linger = properties.queue().linger();
		this.queueName = properties.queue().name();
		this.bodyLimit = properties.body().limit().toBytes();
		this.publishTimer = Timer.builder("ingest.publish")
			.description("Time to send one message to SQS")
			.publishPercentileHistogram()
			.register(meters);
		this.batchSizes = DistributionSummary.builder("ingest.batch.size")
			.description("Messages per SQS send: 1 for SendMessage, up to 10 for SendMessageBatch")
			.register(meters);
	}

	/**
	 * Sends one message.
	 * @param body the message body, UTF-8 JSON
	 * @param ingestedAt the instant the API accepted it
	 * @param messageId the pipeline's id of the message
	 * @param correlation the request's id and trace context, carried to the object
	 * @return the SQS MessageId (for logs only: it changes when the message is moved)
	 * @throws Rejection if the queue is unknown or refuses the message (503), or refuses
	 * the data (400, 413)
	 */
	public String publish(String body, Instant ingestedAt, String messageId, Correlation correlation) {
		String url = this.queueUrl;
		if (url == null) {
			throw Rejection.unavailable("queue", "The queue " + this.queueName + " has not been found yet",
					Duration.ofSeconds(1), null);
		}
		QueueMessage message = new QueueMessage(messageId, body, ingestedAt, correlation);
		Map<String, MessageAttributeValue> attributes = message.attributes();
		checkAcceptable(body, message.attributeBytes());
		Timer.Sample sample = Timer.start();
		SendBatcher batches = this.batches;
		try {
			if (batches == null) {
				this.batchSizes.record(1);
			}
			CompletableFuture<String> sent = (batches != null) ? batches.send(url, body, attributes)
					: this.sqs
						.sendMessage((request) -> request.queueUrl(url).messageBody(body).messageAttributes(attributes))
						.thenApply(SendMessageResponse::messageId);
			return sent.get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException | TimeoutException | SdkException ex) {
			throw Rejection.unavailable("queue", "The queue refused the message", Duration.ofSeconds(1),
					(ex instanceof ExecutionException) ? ex.getCause() : ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw Rejection.unavailable("queue", "Interrupted while sending", Duration.ofSeconds(1), ex);
		}
		finally {
			sample.stop(this.publishTimer);
		}
	}

	/**
	 * Refuses, before sending, what SQS would refuse for the sender's fault: a message
	 * larger than the queue's maximum with its attribute, or a character outside SQS's
	 * allowed set (JSON allows U+FFFE and U+FFFF raw; SQS does not).
	 */
	private void checkAcceptable(String body, int attributeBytes) {
		long bytes = attributeBytes;
		for (int i = 0; i < body.length(); i++) {
			char c = body.charAt(i);
			if (c < 0x80) {
				bytes++;
				if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
					throw Rejection.invalidData(List.of(new Rejection.FieldError("data",
							"The data contains characters the queue does not accept (such as U+FFFE or U+FFFF)")));
				}
			}
			else if (c < 0x800) {
				bytes += 2;
			}
			else if (Character.isHighSurrogate(c)) {
				bytes += 4;
				i++;
			}
			else {
				bytes += 3;
				if (c == '\uFFFE' || c == '\uFFFF') {
					throw Rejection.invalidData(List.of(new Rejection.FieldError("data",
							"The data contains characters the queue does not accept (such as U+FFFE or U+FFFF)")));
				}
			}
		}
		if (bytes > this.maxMessageBytes) {
			throw Rejection.tooLargeForQueue(this.maxMessageBytes);
		}
	}

	/**
	 * Why the API will not become ready, if the queue was found but cannot take what the
	 * API accepts.
	 * @return the reason, or {@code null}
	 */
	public String misconfiguration() {
		return this.misconfiguration;
	}

	/**
	 * Tells whether the queue has been found.
	 * @return {@code true} once the queue URL is known
	 */
	@Override
	public boolean isReady() {
		return this.queueUrl != null;
	}

	private boolean resolve(Duration next) {
		try {
			String url = this.sqs.getQueueUrl((request) -> request.queueName(this.queueName)).join().queueUrl();
			String max = this.sqs
				.getQueueAttributes(
						(request) -> request.queueUrl(url).attributeNames(QueueAttributeName.MAXIMUM_MESSAGE_SIZE))
				.join()
				.attributes()
				.get(QueueAttributeName.MAXIMUM_MESSAGE_SIZE);
			if (max != null) {
				this.maxMessageBytes = Integer.parseInt(max);
			}
			long largest = this.bodyLimit - SMALLEST_ENVELOPE_BYTES + QueueMessage.MAX_ATTRIBUTE_BYTES;
			if (this.bodyLimit > this.maxMessageBytes) {
				this.misconfiguration = "INGEST_BODY_LIMIT is above the queue's MaximumMessageSize";
				logger.error(
						"INGEST_BODY_LIMIT ({} bytes) is above the queue's MaximumMessageSize ({} bytes): "
								+ "the API stays unready; lower the limit or raise the queue's maximum",
						this.bodyLimit, this.maxMessageBytes);
				return true;
			}
			if (largest > this.maxMessageBytes) {
				logger.warn(
						"The largest message a body within INGEST_BODY_LIMIT can make ({} bytes with its attribute) "
								+ "is above the queue's MaximumMessageSize ({} bytes): such bodies get 413",
						largest, this.maxMessageBytes);
			}
			this.queueUrl = url;
			logger.info("Publishing to queue {}", this.queueName);
			return true;
		}
		catch (SdkException | CompletionException ex) {
			logger.warn("Queue {} not found yet ({}); retrying in {} ms", this.queueName, ex.getClass().getSimpleName(),
					next.toMillis());
			return false;
		}
	}

	@Override
	public void start() {
		this.batches = this.linger.isZero() ? null : new SendBatcher(this.sqs, this.linger,
				Executors.newSingleThreadScheduledExecutor(daemon("sqs-batch")), this.batchSizes);
		this.lookup = BackgroundRetry.untilDone("queue-lookup", Duration.ofMillis(250), MAX_RETRY, this::resolve);
	}

	@Override
	public void stop() {
		BackgroundRetry loop = this.lookup;
		this.lookup = null;
		if (loop != null) {
			loop.close();
		}
		SendBatcher batches = this.batches;
		if (batches != null) {
			batches.close();
		}
	}

	private static ThreadFactory daemon(String name) {
		return (task) -> {
			Thread thread = new Thread(task, name);
			thread.setDaemon(true);
			return thread;
		};
	}

	@Override
	public boolean isRunning() {
		return this.lookup != null;
	}

	/** Stops after the web server has drained: see {@link Phases}. */
	@Override
	public int getPhase() {
		return Phases.REQUEST_DEPENDENCIES;
	}

}
