// A Service Bus namespace with HayMaker's topics, subscriptions and rules.
// The topology is generated from contracts (see ../topology.json); do not add entities here by hand.

@description('Service Bus namespace name: 6-50 letters, digits and hyphens, starting with a letter.')
@minLength(6)
@maxLength(50)
param namespaceName string

param location string

@description('Topics need Standard or Premium.')
@allowed([
  'Standard'
  'Premium'
])
param sku string

@description('Refuse SAS keys so that every client authenticates with Entra ID (managed identities).')
param disableLocalAuth bool

@description('The flat topology lists from topology.json: topics, subscriptions (with topic) and rules (with topic and subscription).')
param topology object

resource serviceBusNamespace 'Microsoft.ServiceBus/namespaces@2022-10-01-preview' = {
  name: namespaceName
  location: location
  sku: {
    name: sku
    tier: sku
  }
  properties: {
    minimumTlsVersion: '1.2'
    disableLocalAuth: disableLocalAuth
  }
}

resource topics 'Microsoft.ServiceBus/namespaces/topics@2022-10-01-preview' = [for topic in topology.topics: {
  parent: serviceBusNamespace
  name: topic.name
  properties: topic.properties
}]

// Children of looped resources cannot use `parent`, so they are named by their full path and wait for
// the whole parent loop.
resource subscriptions 'Microsoft.ServiceBus/namespaces/topics/subscriptions@2022-10-01-preview' = [for subscription in topology.subscriptions: {
  #disable-next-line use-parent-property
  name: '${serviceBusNamespace.name}/${subscription.topic}/${subscription.name}'
  properties: subscription.properties
  dependsOn: [
    topics
  ]
}]

// Service Bus drops a subscription's implicit $Default (match-all) rule when its first rule is created
// through ARM; a subscription without rules keeps it and receives every message of its topic.
resource rules 'Microsoft.ServiceBus/namespaces/topics/subscriptions/rules@2022-10-01-preview' = [for rule in topology.rules: {
  #disable-next-line use-parent-property
  name: '${serviceBusNamespace.name}/${rule.topic}/${rule.subscription}/${rule.name}'
  properties: rule.properties
  dependsOn: [
    subscriptions
  ]
}]

output namespaceName string = serviceBusNamespace.name
output endpoint string = serviceBusNamespace.properties.serviceBusEndpoint
