"""QuantaCore EDA: the PDK assembled from the technology, the cell library and the router.

Activate once at the start of a script (the ``quantacore`` command line and the test suite do
it for you)::

    import quantacore
    quantacore.activate()

Example:
    >>> import quantacore
    >>> quantacore.activate().name
    'quantacore'
"""

from quantacore.pdk import activate, get_pdk

__all__ = ["activate", "get_pdk"]
