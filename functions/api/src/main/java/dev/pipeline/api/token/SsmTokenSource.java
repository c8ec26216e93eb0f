package dev.pipeline.api.token;

import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * Reads the token from an SSM Parameter Store SecureString, decrypted.
 */
class SsmTokenSource implements TokenSource {

	private final SsmClient ssm;

	private final String parameterName;

	SsmTokenSource(SsmClient ssm, String parameterName) {
		this.ssm = ssm;
		this.parameterName = parameterName;
	}

	@Override
	public String read() {
		String value = this.ssm.getParameter((request) -> request.name(this.parameterName).withDecryption(true))
			.parameter()
			.value();
		if (value == null || value.isEmpty()) {
			throw new IllegalStateException("Parameter " + this.parameterName + " is empty");
		}
		return value;
	}

}
