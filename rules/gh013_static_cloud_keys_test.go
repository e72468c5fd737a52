package rules

import "testing"

func TestStaticCloudKeys(t *testing.T) {
	t.Parallel()
	runCICases(t, StaticCloudKeys, []ciCase{
		{name: "configure-aws-credentials with keys", yaml: "on: push\njobs:\n  d:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: aws-actions/configure-aws-credentials@v4\n        with:\n          aws-access-key-id: ${{ secrets.AWS_ACCESS_KEY_ID }}\n          aws-secret-access-key: ${{ secrets.AWS_SECRET_ACCESS_KEY }}\n          aws-region: eu-west-1\n",
			want: []ciWant{{line: 6, score: 8.0, msg: "aws"}}},
		{name: "OIDC role assumption is safe", yaml: "on: push\npermissions: {id-token: write, contents: read}\njobs:\n  d:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: aws-actions/configure-aws-credentials@v4\n        with:\n          role-to-assume: arn:aws:iam::123456789012:role/deploy\n          aws-region: eu-west-1\n"},
		{name: "google credentials_json next to an agent", yaml: "on: push\njobs:\n  d:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: google-github-actions/auth@v2\n        with:\n          credentials_json: ${{ secrets.GCP_SA_KEY }}\n      - run: gemini -p summarise --yolo\n",
			want: []ciWant{{line: 6, score: 9.1, msg: "gemini-cli agent"}}},
		{name: "workload identity is safe", yaml: "on: push\njobs:\n  d:\n    runs-on: ubuntu-latest\n    permissions: {id-token: write}\n    steps:\n      - uses: google-github-actions/auth@v2\n        with:\n          workload_identity_provider: projects/1/locations/global/workloadIdentityPools/p/providers/gh\n"},
		{name: "static key secret in env", yaml: "on: push\njobs:\n  d:\n    runs-on: ubuntu-latest\n    env:\n      AWS_SECRET_ACCESS_KEY: ${{ secrets.AWS_SECRET_ACCESS_KEY }}\n    steps: [{run: terraform apply}]\n",
			want: []ciWant{{line: 6, score: 8.0, msg: "AWS_SECRET_ACCESS_KEY"}}},
		{name: "keys sent to an S3-compatible service that is not AWS", yaml: "on: push\njobs:\n  d:\n    runs-on: ubuntu-latest\n    steps:\n      - run: aws --endpoint-url https://s3.example.org s3 sync . s3://bucket\n        env:\n          AWS_ACCESS_KEY_ID: ${{ secrets.AWS_ACCESS_KEY_ID }}\n          AWS_SECRET_ACCESS_KEY: ${{ secrets.AWS_SECRET_ACCESS_KEY }}\n"},
		{name: "the same keys sent to AWS", yaml: "on: push\njobs:\n  d:\n    runs-on: ubuntu-latest\n    steps:\n      - run: aws s3 sync . s3://bucket\n        env:\n          AWS_SECRET_ACCESS_KEY: ${{ secrets.AWS_SECRET_ACCESS_KEY }}\n",
			want: []ciWant{{score: 8.0, msg: "AWS_SECRET_ACCESS_KEY"}}},
		{name: "azure login with client-id is OIDC", yaml: "on: push\njobs:\n  d:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: azure/login@v2\n        with:\n          client-id: ${{ secrets.AZURE_CLIENT_ID }}\n          tenant-id: ${{ secrets.AZURE_TENANT_ID }}\n"},
	})
}
