# SPDX-License-Identifier: Apache-2.0
# Type stubs of the package `ion` (python/ion/__init__.py over the extension ion._ion).
__version__: str
