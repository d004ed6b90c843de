"""The API of award cycles (included by indicators/api_urls.py): ``cycles`` holds the views, ``serializers`` their
serializers and the examples of the schema. Import the views from ``indicators.api``."""

from indicators.api.cycles import CycleDetailApi, CycleExtensionApi, CycleFrameworkApi, CycleListApi, CyclePhaseApi

__all__ = ["CycleDetailApi", "CycleExtensionApi", "CycleFrameworkApi", "CycleListApi", "CyclePhaseApi"]
