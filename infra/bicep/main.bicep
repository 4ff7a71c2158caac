// HayMaker's Azure infrastructure. For now: the Service Bus namespace that carries every event.
targetScope = 'resourceGroup'

@description('Service Bus namespace name (globally unique).')
param serviceBusNamespaceName string = 'haymaker-${uniqueString(resourceGroup().id)}'

param location string = resourceGroup().location

@description('Service Bus tier; topics need Standard or Premium.')
@allowed([
  'Standard'
  'Premium'
])
param serviceBusSku string = 'Standard'

@description('Refuse SAS keys so that every client authenticates with Entra ID.')
param disableLocalAuth bool = true

// Generated from contracts/src/topology.ts by `npm run generate`; never edited by hand.
var topology = loadJsonContent('topology.json')

module serviceBus 'modules/servicebus.bicep' = {
  name: 'haymaker-servicebus'
  params: {
    namespaceName: serviceBusNamespaceName
    location: location
    sku: serviceBusSku
    disableLocalAuth: disableLocalAuth
    topology: topology
  }
}

output serviceBusNamespaceName string = serviceBus.outputs.namespaceName
output serviceBusEndpoint string = serviceBus.outputs.endpoint
