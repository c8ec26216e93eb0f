package dev.pipeline.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class EmulatorsTests {

	@Test
	void s3EmulatorRefusesASecondConditionalCreateOfOneKey(@TempDir Path directory) throws Exception {
		try (S3Emulator emulator = S3Emulator.onDisk(directory, 0); S3Client s3 = emulator.client()) {
			emulator.createBucket("archive");
			s3.putObject((request) -> request.bucket("archive").key("a/b.json").ifNoneMatch("*"),
					RequestBody.fromString("{\"n\":1}"));
			assertThatExceptionOfType(S3Exception.class)
				.isThrownBy(() -> s3.putObject((request) -> request.bucket("archive").key("a/b.json").ifNoneMatch("*"),
						RequestBody.fromString("{\"n\":2}")))
				.satisfies((ex) -> assertThat(ex.statusCode()).isEqualTo(412));
			assertThat(s3.getObjectAsBytes((request) -> request.bucket("archive").key("a/b.json")).asUtf8String())
				.isEqualTo("{\"n\":1}");
			assertThat(Files.readString(directory.resolve("archive/a/b.json"))).isEqualTo("{\"n\":1}");
		}
	}

	@Test
	void sqsEmulatorRoundTripsAMessage() {
		try (SqsEmulator emulator = SqsEmulator.start(); SqsClient sqs = emulator.client()) {
			String url = emulator.createQueue("round-trip");
			assertThat(url).contains("000000000000");
			sqs.sendMessage((request) -> request.queueUrl(url).messageBody("hello"));
			assertThat(sqs.receiveMessage((request) -> request.queueUrl(url)).messages()).singleElement()
				.satisfies((message) -> assertThat(message.body()).isEqualTo("hello"));
		}
	}

	@Test
	void ssmStubServesSecureStringsAndOutages() {
		try (SsmStub stub = SsmStub.start();
				SsmClient ssm = SsmClient.builder()
					.endpointOverride(stub.endpoint())
					.region(Aws.REGION)
					.credentialsProvider(Aws.CREDENTIALS)
					.overrideConfiguration((config) -> config.retryStrategy((retry) -> retry.maxAttempts(1)))
					.build()) {
			stub.putSecureString("/p", "v\"1");
			assertThat(ssm.getParameter((request) -> request.name("/p").withDecryption(true)).parameter().value())
				.isEqualTo("v\"1");
			assertThatExceptionOfType(ParameterNotFoundException.class)
				.isThrownBy(() -> ssm.getParameter((request) -> request.name("/q").withDecryption(true)));
			stub.failAll();
			assertThatExceptionOfType(Exception.class)
				.isThrownBy(() -> ssm.getParameter((request) -> request.name("/p").withDecryption(true)));
			stub.recover();
			assertThat(ssm.getParameter((request) -> request.name("/p").withDecryption(true)).parameter().value())
				.isEqualTo("v\"1");
			assertThat(stub.getParameterCalls()).isEqualTo(4);
		}
	}

}
