#!/bin/bash
# The reference app's bootstrap, as written for LocalStack: one queue, one bucket.
# Run by `hayloft up --bootstrap scripts` once the edge is ready (awslocal is on PATH there),
# or by hand against a running hayloft with scripts/awslocal from the repo.
set -euo pipefail
export AWS_DEFAULT_REGION=eu-central-1
awslocal sqs create-queue --queue-name test-queue --attributes VisibilityTimeout=30
awslocal s3api create-bucket --bucket test-bucket --create-bucket-configuration LocationConstraint=eu-central-1 \
  || echo "test-bucket exists already"
