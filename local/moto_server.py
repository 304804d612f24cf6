"""`make moto`: a moto server on 127.0.0.1 with every resource of template.yaml, for the `esja` command.

It prints the environment the command needs, then serves until interrupted:

    make moto                      # in one terminal; paste the export lines it prints in another
    esja tenders poll --source canadabuys-new
"""

from __future__ import annotations

import argparse
import logging
import shlex
import signal
import sys

import boto3

from local.resources import create_resources, function_environment, load_template
from local.runtime import LOCAL_ENVIRONMENT, LOCAL_SECRETS, REGION, TEMPLATE, environment
from local.serve import LOCAL_SIGNING_KEYS


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=5005)
    args = parser.parse_args(argv)

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=args.port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{args.port}"
    with environment(LOCAL_ENVIRONMENT):
        session = boto3.Session(region_name=REGION)
        template = load_template(TEMPLATE)
        resources = create_resources(
            template,
            dynamodb=session.client("dynamodb", endpoint_url=endpoint),
            sqs=session.client("sqs", endpoint_url=endpoint),
            s3=session.client("s3", endpoint_url=endpoint),
        )
        session.client("sesv2", endpoint_url=endpoint).create_email_identity(
            EmailIdentity=function_environment(template, "WebFunction", resources)["SENDER_EMAIL"]
        )
        # Every variable of every function: the esja command can then act as any of them.
        env: dict[str, str] = {}
        for logical_id, resource in template["Resources"].items():
            if resource["Type"] == "AWS::Serverless::Function":
                env |= function_environment(template, logical_id, resources)
    env |= (
        LOCAL_ENVIRONMENT
        | LOCAL_SECRETS
        | {
            "AWS_ENDPOINT_URL": endpoint,
            "SIGNING_KEYS": LOCAL_SIGNING_KEYS,
            "PUBLIC_BASE_URL": "http://127.0.0.1:3000",
            "SES_MAX_SEND_RATE": "14",  # moto does not answer SES GetAccount
        }
    )
    env.pop("SIGNING_KEYS_SECRET_ARN", None)  # locally the keys come from SIGNING_KEYS
    env.pop("ADDRESS_KEY_SECRET_ARN", None)  # … and the address keys' secret from ADDRESS_KEY_SECRET
    print("# moto is serving every resource of template.yaml; paste these lines in another terminal:")
    for name, value in sorted(env.items()):
        print(f"export {name}={shlex.quote(value)}")
    sys.stdout.flush()
    signal.sigwait({signal.SIGINT, signal.SIGTERM})
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
