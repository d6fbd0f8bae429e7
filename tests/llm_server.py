"""A llama.cpp server speaking the OpenAI protocol, for the endpoint back end's tests:
`python tests/llm_server.py MODEL.gguf PORT API_KEY` serves until it is killed."""

import os
import sys
import time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import xllamacpp  # noqa: E402


def main(model: str, port: str, key: str) -> None:
    params = xllamacpp.CommonParams()
    params.model.path = model
    params.n_ctx = 2048
    params.cpuparams.n_threads = params.cpuparams_batch.n_threads = 2
    params.hostnames = ["127.0.0.1"]
    params.port = int(port)
    params.api_keys = [key]
    params.verbosity = -1
    server = xllamacpp.Server(params)
    print(f"ready {server.listening_address}", flush=True)
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main(*sys.argv[1:4])
