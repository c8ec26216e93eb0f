package dev.pipeline.local;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * {@code tools/run-local.sh}: runs the pipeline until Ctrl-C.
 * <p>
 * {@code LOCAL_TOKEN} sets the token (default {@code local-dev-token}),
 * {@code LOCAL_DATA_DIR} the folder that holds the bucket (default {@code .local/s3}) and
 * {@code LOCAL_QUEUE_DIR} the folder of the queue's database (default
 * {@code .local/sqs}), which keeps messages still queued at Ctrl-C for the next run.
 */
public final class Main {

	private Main() {
	}

	public static void main(String[] args) throws InterruptedException {
		String token = envOr("LOCAL_TOKEN", "local-dev-token");
		Path storage = Path.of(envOr("LOCAL_DATA_DIR", ".local/s3"));
		Path queueDatabase = Path.of(envOr("LOCAL_QUEUE_DIR", ".local/sqs")).resolve(LocalPipeline.QUEUE);
		System.out.println("Starting emulated SQS, S3 and SSM, then the worker and the API...");
		LocalPipeline pipeline = LocalPipeline
			.start(LocalPipeline.Settings.of(Path.of(""), storage, token, LocalPipeline.Ports.defaults())
				.withQueueDatabase(queueDatabase));
		CountDownLatch stopped = new CountDownLatch(1);
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			System.out.println("Stopping the local pipeline...");
			pipeline.close();
			stopped.countDown();
		}, "local-pipeline-stop"));
		System.out.printf("""

				================================================================================
				 The pipeline is running. Ctrl-C stops everything.

				   API         %s   (POST /ingest, GET /health)
				   Worker      %s   (GET /health)
				   Token       %s
				   SQS         %s   queue '%s', dead-letter queue '%s-dlq'
				   Queued      %s.mv.db (kept for the next run)
				   S3          %s   bucket '%s'
				   Objects     %s
				   SSM         %s   parameter '%s'

				 Try:
				   curl -s %s/health
				   curl -s -X POST %s/ingest -H 'Content-Type: application/json' \\
				     -d '{"token":"%s","data":{"email_timestream":1764201600,"hello":"world"}}'
				   AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local aws --region us-east-1 \\
				     --endpoint-url %s s3 ls s3://%s --recursive
				================================================================================

				""", pipeline.apiUrl(), pipeline.workerUrl(), token, pipeline.sqsEndpoint(), LocalPipeline.QUEUE,
				LocalPipeline.QUEUE, queueDatabase.toAbsolutePath().normalize(), pipeline.s3Endpoint(),
				LocalPipeline.BUCKET, pipeline.bucketFolder(), pipeline.ssmEndpoint(), LocalPipeline.PARAMETER,
				pipeline.apiUrl(), pipeline.apiUrl(), token, pipeline.s3Endpoint(), LocalPipeline.BUCKET);
		stopped.await();
	}

	private static String envOr(String name, String fallback) {
		String value = System.getenv(name);
		return (value == null || value.isBlank()) ? fallback : value;
	}

}
