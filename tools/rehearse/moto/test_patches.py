"""What the patches do beyond what their probes check, in process (mock_aws, every patch applied).

    python3 -m unittest discover -s tools/rehearse/moto
"""

import os
import unittest
from unittest import mock

import boto3
from moto import mock_aws

import patches

REGION = patches.REGION


def setUpModule():
    patches.apply(check=False)


class EcsUpdateServiceTests(unittest.TestCase):
    def setUp(self):
        self.moto = mock_aws()
        self.moto.start()
        self.addCleanup(self.moto.stop)
        self.ecs = boto3.client("ecs", region_name=REGION, aws_access_key_id="test", aws_secret_access_key="test")
        self.ecs.create_cluster(clusterName="main")
        self.first, self.second = (self.ecs.register_task_definition(family="api", containerDefinitions=[
            {"name": "api", "image": "api", "memory": 512}])["taskDefinition"]["taskDefinitionArn"] for _ in range(2))

    def service(self, running: str, desired: int) -> dict:
        with mock.patch.dict(os.environ, {"MOTO_ECS_SERVICE_RUNNING": running}):
            return self.ecs.create_service(cluster="main", serviceName="api", taskDefinition=self.first, desiredCount=desired)["service"]

    def test_a_new_revision_short_of_running_tasks_stays_in_progress_beside_the_old_deployment(self):
        [created] = self.service(running="1", desired=2)["deployments"]

        deployments = self.ecs.update_service(cluster="main", service="api", taskDefinition=self.second)["service"]["deployments"]

        self.assertEqual([("PRIMARY", self.second, "IN_PROGRESS", 1, 2), ("ACTIVE", self.first, created["rolloutState"], 1, 2)],
                         [(d["status"], d["taskDefinition"], d["rolloutState"], d["runningCount"], d["desiredCount"]) for d in deployments])
        self.assertEqual(created["id"], deployments[1]["id"])
        self.assertEqual(f"ECS deployment {deployments[0]['id']} in progress.", deployments[0]["rolloutStateReason"])

    def test_an_update_with_desired_count_completes_the_new_revision_with_that_count(self):
        self.service(running="0", desired=1)

        deployments = self.ecs.update_service(cluster="main", service="api", taskDefinition=self.second,
                                              desiredCount=3)["service"]["deployments"]

        self.assertEqual([("PRIMARY", self.second, "COMPLETED", 3, 3)],
                         [(d["status"], d["taskDefinition"], d["rolloutState"], d["runningCount"], d["desiredCount"]) for d in deployments])

    def test_an_update_of_the_same_revision_keeps_the_deployment(self):
        [created] = self.service(running="2", desired=2)["deployments"]

        [kept] = self.ecs.update_service(cluster="main", service="api", taskDefinition=self.first)["service"]["deployments"]

        self.assertEqual((created["id"], created["createdAt"]), (kept["id"], kept["createdAt"]))

    def test_a_forced_deployment_of_the_same_revision_is_a_new_deployment(self):
        [created] = self.service(running="2", desired=2)["deployments"]

        [forced] = self.ecs.update_service(cluster="main", service="api", forceNewDeployment=True)["service"]["deployments"]

        self.assertNotEqual(created["id"], forced["id"])
        self.assertEqual(("PRIMARY", self.first, "COMPLETED"), (forced["status"], forced["taskDefinition"], forced["rolloutState"]))


if __name__ == "__main__":
    unittest.main()
